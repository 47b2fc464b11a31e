using System.Runtime.InteropServices;

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// Each extractor leads a process group of its own, which the OCR tools it starts join. Killing the group kills them
/// all in one step: killing the tree one process at a time let a dying extractor start the next page's pdftoppm
/// after its tesseract was killed, and that pdftoppm, reparented to init, ran on (the deadline test caught it).
/// </summary>
public static class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>Called by the extractor first thing: it becomes the leader of a new group.</summary>
    public static void Lead()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetProcessGroup(0, 0);
        }
    }

    /// <summary>Kills every process in the group <paramref name="leader"/> leads; false if there is no such group yet.</summary>
    public static bool Kill(int leader) => OperatingSystem.IsLinux() && SendSignal(-leader, SigKill) == 0;

    // DllImport, not LibraryImport: two calls with int arguments need no generated marshalling, nor unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpgid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetProcessGroup(int pid, int group);

    [DllImport("libc", EntryPoint = "kill")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
