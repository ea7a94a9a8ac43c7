using System.Runtime.InteropServices;

namespace CdcBridge.DevStack;

/// <summary>POSIX signals .NET does not send itself (Process.Kill is SIGKILL; an orderly stop needs SIGTERM).</summary>
public static partial class ProcessSignals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to stop as Ctrl+C would; false when it does not exist or is not ours to signal.</summary>
    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
