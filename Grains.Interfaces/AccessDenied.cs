namespace Unlearning;

/// <summary>
/// A call the cluster refused before any grain code ran. The message is one line for the caller, starting
/// <c>unauthenticated:</c> or <c>forbidden:</c>; it never holds the token or any record.
/// </summary>
[GenerateSerializer, Alias("Unlearning.AccessDeniedException")]
public class AccessDeniedException : Exception
{
    public AccessDeniedException()
    {
    }

    public AccessDeniedException(string message) : base(message)
    {
    }

    public AccessDeniedException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>The call carried no token, or one that is not valid (expired, badly signed, for another issuer or audience...).</summary>
[GenerateSerializer, Alias("Unlearning.UnauthenticatedException")]
public sealed class UnauthenticatedException : AccessDeniedException
{
    public const string Prefix = "unauthenticated: ";

    public UnauthenticatedException()
    {
    }

    public UnauthenticatedException(string message) : base(message)
    {
    }

    public UnauthenticatedException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>"unauthenticated: the token is expired", from a validator's reason.</summary>
    public static UnauthenticatedException Because(string reason) => new(reason == "missing"
        ? $"{Prefix}the call carries no token (give --token, --token-file or set UNLEARNING_TOKEN)"
        : $"{Prefix}the token is refused ({reason})");
}

/// <summary>The caller is known but none of its roles allows the method, or the method is internal to the cluster.</summary>
[GenerateSerializer, Alias("Unlearning.ForbiddenException")]
public sealed class ForbiddenException : AccessDeniedException
{
    public const string Prefix = "forbidden: ";

    public ForbiddenException()
    {
    }

    public ForbiddenException(string message) : base(message)
    {
    }

    public ForbiddenException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>
/// The call carried a <see cref="TokenReference"/> that the silo does not hold (it never verified that token, or the
/// token expired or was evicted): the client library sends the same call again with the token itself, so callers do
/// not see it. Reads as "unauthenticated:" to any other client.
/// </summary>
[GenerateSerializer, Alias("Unlearning.UnknownTokenReferenceException")]
public sealed class UnknownTokenReferenceException : AccessDeniedException
{
    public UnknownTokenReferenceException()
        : base($"{UnauthenticatedException.Prefix}the call carries a token reference this silo does not hold; send the token itself")
    {
    }

    public UnknownTokenReferenceException(string message) : base(message)
    {
    }

    public UnknownTokenReferenceException(string message, Exception inner) : base(message, inner)
    {
    }
}
