using Realtime.Onnx;

namespace Realtime.Bench.Sessions;

/// <summary>One way to create the session, as a lane of <see cref="SessionBench"/>.</summary>
/// <param name="Name">Short name (the table's first column, and what <c>--sessions</c> takes).</param>
/// <param name="Description">What differs from the default, in words.</param>
/// <param name="Settings">The settings the lane's session is created with.</param>
public sealed record SessionChoice(string Name, string Description, OnnxSessionSettings Settings);
