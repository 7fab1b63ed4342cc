namespace Unlearning.Client;

/// <summary>What the client checks of a forget request before it sends: the bounds of <see cref="RequestLimits"/>, with errors naming the problem.</summary>
internal static class RequestRules
{
    public static string Id(string requestId)
    {
        if (!RequestLimits.IsValidRequestId(requestId))
            throw new ArgumentException($"the request id must have {RequestLimits.RequestIdRule}, not {Quoted.Value(requestId)}", nameof(requestId));
        return requestId;
    }

    public static ForgetOrder Checked(ForgetOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Model is not null) ModelRules.Name(order.Model);
        if (order.Subjects is not { Length: > 0 }) throw new ArgumentException("a forget order needs at least one subject", nameof(order));
        if (order.Subjects.Length > RequestLimits.MaxSubjectsPerPart)
            throw new ArgumentException($"a part of a forget request may hold at most {RequestLimits.MaxSubjectsPerPart:#,0} subjects, not {order.Subjects.Length:#,0}", nameof(order));
        // By position, never by value: the subjects are patients.
        for (var i = 0; i < order.Subjects.Length; i++)
        {
            if (!ModelLimits.IsValidId(order.Subjects[i]))
                throw new ArgumentException($"subject {i + 1} of the order must have 1 to {ModelLimits.MaxIdLength} characters", nameof(order));
        }
        if (!RequestLimits.IsValidPart(order.Part))
            throw new ArgumentOutOfRangeException(nameof(order), order.Part, $"the part number must be 1 to {RequestLimits.MaxParts:#,0}, not {order.Part}");
        return order;
    }
}
