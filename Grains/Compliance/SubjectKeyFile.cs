using System.Text.RegularExpressions;

namespace Unlearning.Compliance;

/// <summary>
/// Reads the subject-key file (<see cref="AuditOptions.SubjectKeys"/>): one key a line, <c>ID BASE64</c>, the last the
/// current one; blank lines and <c>#</c> comments are skipped. Errors name the file and line, never a key.
/// </summary>
public static partial class SubjectKeyFile
{
    public static IReadOnlyList<SubjectKey> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"--audit-subject-keys: cannot read {path}: {e.Message}", e);
        }
        return Parse(text, path);
    }

    public static IReadOnlyList<SubjectKey> Parse(string text, string fileName)
    {
        var keys = new List<SubjectKey>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var where = $"{fileName} line {i + 1}";
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
                throw new InvalidOperationException($"{where}: expected 'ID BASE64-KEY' (two words), found {parts.Length}");
            var (id, encoded) = (parts[0], parts[1]);
            if (!ValidId().IsMatch(id))
                throw new InvalidOperationException($"{where}: key id {Quoted.Value(id)} must be 1 to 64 letters, digits, '.', '_' or '-'");
            if (id == SubjectKey.StoredId)
                throw new InvalidOperationException($"{where}: key id '{SubjectKey.StoredId}' is reserved for the key the cluster keeps itself");
            if (keys.Any(k => k.Id == id))
                throw new InvalidOperationException($"{where}: key id {Quoted.Value(id)} appears twice");
            byte[] secret;
            try
            {
                secret = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{where}: the key of {Quoted.Value(id)} is not base64");
            }
            if (secret.Length < SubjectKey.MinBytes)
                throw new InvalidOperationException($"{where}: the key of {Quoted.Value(id)} has {secret.Length} bytes; at least {SubjectKey.MinBytes} are needed (e.g. openssl rand -base64 32)");
            keys.Add(new SubjectKey(id, secret));
        }
        if (keys.Count == 0) throw new InvalidOperationException($"{fileName} holds no key: add a line 'ID BASE64-KEY' (e.g. `echo \"$(date +%Y-%m) $(openssl rand -base64 32)\"`)");
        return keys;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidId();
}
