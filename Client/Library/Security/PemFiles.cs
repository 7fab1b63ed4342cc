using Microsoft.Win32.SafeHandles;

namespace Unlearning.Client.Security;

/// <summary>Key and certificate files readable by their owner only (on Windows: written as they come).</summary>
public static class PemFiles
{
    /// <summary>0600: a key file.</summary>
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    /// <summary>0700: a folder of keys.</summary>
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) as 0700 when it does not exist; an existing directory
    /// keeps its mode, as it may be one the user shares on purpose. Returns whether it was created.
    /// </summary>
    public static bool CreateDirectory(string path)
    {
        if (Directory.Exists(path))
            return false;
        if (File.Exists(path))
            throw new IOException($"{path} is a file, not a directory");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return true;
        }

        Directory.CreateDirectory(path, OwnerOnlyDirectory);
        // The umask applies at creation and could have taken bits the owner needs.
        File.SetUnixFileMode(path, OwnerOnlyDirectory);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="text"/> to a new file of mode 0600. With <paramref name="overwrite"/>, an existing file
    /// (or symbolic link) at the path is removed first, so the new file is never reached through a link and never
    /// keeps an old, wider mode.
    /// </summary>
    public static void Write(string path, string text, bool overwrite)
    {
        if (overwrite && (File.Exists(path) || new FileInfo(path).LinkTarget is not null))
            File.Delete(path);

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerReadWrite;
        using var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
            SetOwnerOnly(stream.SafeFileHandle);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    // The umask can only take bits away from UnixCreateMode; this makes the mode exactly 0600 whatever it is.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void SetOwnerOnly(SafeFileHandle handle) => File.SetUnixFileMode(handle, OwnerReadWrite);
}
