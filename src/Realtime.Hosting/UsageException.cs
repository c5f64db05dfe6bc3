using System;

namespace Realtime.Hosting;

/// <summary>A mistake on the command line: the host prints its message and exits with <see cref="ExitCodes.BadInput"/>.</summary>
public sealed class UsageException : Exception
{
    /// <summary>A mistake described by <paramref name="message"/> (it names the option).</summary>
    public UsageException(string message) : base(message) { }
}
