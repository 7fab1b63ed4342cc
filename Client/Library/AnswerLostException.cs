namespace Unlearning.Client;

/// <summary>
/// A long call whose answer will not come: the activation of the model that took it is gone (its silo died). The call
/// may have been carried out: read the model's status (or, for a forget, count the subject's records) to find out.
/// </summary>
public sealed class AnswerLostException(string why) : Exception($"no answer will come: {why}");
