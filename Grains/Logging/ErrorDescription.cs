namespace Unlearning.Logging;

/// <summary>
/// An exception for a log line without its messages, which may name records or subjects (an ArgumentException's
/// "duplicate id ..."): the types of the exception and its inner ones, and where each was thrown.
/// </summary>
public static class ErrorDescription
{
    public static string Of(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null && parts.Count < 4; e = e.InnerException)
        {
            var site = e.TargetSite is { } method ? $" in {method.DeclaringType?.Name}.{method.Name}" : "";
            parts.Add($"{e.GetType().Name}{site}");
        }
        return string.Join(" <- ", parts);
    }
}
