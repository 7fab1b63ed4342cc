namespace Unlearning.Silo.Storage;

/// <summary>The silo's data directory holds patient records: it is created, or narrowed, to its owner only (0700).</summary>
internal static class PrivateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        if (!Directory.Exists(path)) Directory.CreateDirectory(path, OwnerOnly);
        else if ((File.GetUnixFileMode(path) & GroupOrOthers) != 0) File.SetUnixFileMode(path, OwnerOnly);
    }

    /// <summary>Creates an empty file readable and writable by its owner only (0600), unless one exists.</summary>
    public static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path)) return;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another silo (or test) created it meanwhile.
        }
    }

    /// <summary>Narrows an existing file to its owner (0600).</summary>
    public static void RestrictFile(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != OwnerReadWrite)
            File.SetUnixFileMode(path, OwnerReadWrite);
    }
}
