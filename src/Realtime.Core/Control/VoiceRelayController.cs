using System;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Control;

/// <summary>
/// A relay switched by voice activity, with hysteresis and hangover: it closes (command 1) on the
/// first chunk whose speech probability reaches <see cref="OnThreshold"/>, and opens (command 0)
/// only after <see cref="HangoverChunks"/> chunks in a row below <see cref="OffThreshold"/>, so a
/// pause between words does not chatter the contact. The relay's state is read from the command on
/// the outputs, so after the watchdog forced it open it closes again only on speech.
/// </summary>
public sealed class VoiceRelayController : IController<VoiceActivity>
{
    /// <summary>Command value of a closed (energised) relay.</summary>
    public const float Closed = 1f;
    /// <summary>Command value of an open (de-energised, safe) relay.</summary>
    public const float Open = 0f;

    private int _below;

    /// <summary>Creates the controller; <paramref name="offThreshold"/> must not exceed <paramref name="onThreshold"/>.</summary>
    public VoiceRelayController(float onThreshold, float offThreshold, int hangoverChunks)
    {
        if (!(onThreshold > 0 && onThreshold <= 1)) throw new ArgumentOutOfRangeException(nameof(onThreshold), "on threshold must be within (0, 1]");
        if (!(offThreshold >= 0 && offThreshold <= onThreshold)) throw new ArgumentOutOfRangeException(nameof(offThreshold), "off threshold must be within [0, on threshold]");
        if (hangoverChunks < 1) throw new ArgumentOutOfRangeException(nameof(hangoverChunks), "hangover must be at least one chunk");
        OnThreshold = onThreshold;
        OffThreshold = offThreshold;
        HangoverChunks = hangoverChunks;
    }

    /// <summary>Probability at or above which an open relay closes.</summary>
    public float OnThreshold { get; }
    /// <summary>Probability below which a closed relay counts towards release.</summary>
    public float OffThreshold { get; }
    /// <summary>Chunks in a row below <see cref="OffThreshold"/> before the relay opens.</summary>
    public int HangoverChunks { get; }

    /// <summary>Chunks for a hangover of <paramref name="hangoverMs"/> at <paramref name="chunkMs"/> per chunk (at least one).</summary>
    public static int ChunksFor(double hangoverMs, double chunkMs) => Math.Max(1, (int)Math.Ceiling(hangoverMs / chunkMs - 1e-9));

    /// <summary>Whether a command means a closed relay.</summary>
    public static bool IsClosed(in ActuatorCommand command) => command.Count > 0 && command.Values[0] >= 0.5f;

    /// <inheritdoc/>
    public void Update(in VoiceActivity observation, in ActuatorCommand applied, ref ActuatorCommand next)
    {
        bool closed = IsClosed(in applied);
        float p = observation.Probability;
        if (!closed)
        {
            _below = 0;
            closed = p >= OnThreshold;
        }
        else if (p < OffThreshold)
        {
            if (++_below >= HangoverChunks)
            {
                closed = false;
                _below = 0;
            }
        }
        else _below = 0;
        next.Count = 1;
        next.Values[0] = closed ? Closed : Open;
    }
}
