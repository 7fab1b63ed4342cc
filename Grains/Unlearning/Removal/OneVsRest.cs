namespace Unlearning.Removal;

/// <summary>
/// How a K-class problem maps to binary models: one model (class 1 against class 0) when K = 2, else one
/// model per class against the rest. Each binary model has its own noise stream.
/// </summary>
public static class OneVsRest
{
    public static int ModelCount(int classCount) => classCount == 2 ? 1 : classCount;

    public static int PositiveClassOf(int model, int classCount) => classCount == 2 ? 1 : model;
}
