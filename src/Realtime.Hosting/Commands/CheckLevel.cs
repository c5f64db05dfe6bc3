namespace Realtime.Hosting.Commands;

/// <summary>How a checklist line came out: fine, a weaker guarantee, or a failure.</summary>
internal enum CheckLevel { Ok, Warn, Fail }
