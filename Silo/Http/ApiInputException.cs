namespace Unlearning.Silo.Http;

/// <summary>A request the HTTP API refuses before calling the cluster: its status (400, 413, 415) and a message naming the problem.</summary>
internal sealed class ApiInputException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiInputException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
