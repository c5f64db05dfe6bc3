using System;
using System.Device.Gpio;
using Realtime.Core.Pipeline;

namespace Realtime.Gpio;

/// <summary>
/// A relay on one GPIO output, driven through System.Device.Gpio's <see cref="GpioController"/>:
/// the GPIO character device on hardware (<see cref="CdevGpioDriver"/>), <see cref="SimulatedGpioDriver"/> in
/// simulation. Command channel 0 ≥ 0.5 energises the coil (contact closed); the safe state is the
/// coil de-energised (contact open). Whether energised means a high or a low level depends on the
/// relay board (many opto-isolated modules are active-low), so it comes from the profile. The pin is
/// written only when the relay changes, and always when driven safe.
/// </summary>
public sealed class RelayActuator : IActuator
{
    private readonly GpioController _controller;
    // One-pair spans, made once: GpioController.Write(pin, value) and GpioPin.Write allocate on every
    // call (System.Device.Gpio 4.2); the span overload does not.
    private readonly PinValuePair[] _energise;
    private readonly PinValuePair[] _deEnergise;
    private readonly bool _ownsController;
    private readonly PinValue _energised;
    private readonly PinValue _deEnergised;
    private ActuatorCommand _safe;
    private bool _closed;

    /// <summary>Opens <paramref name="pin"/> as an output at the safe level.</summary>
    public RelayActuator(GpioController controller, int pin, bool activeHigh, bool ownsController = true)
    {
        _controller = controller;
        _ownsController = ownsController;
        Pin = pin;
        ActiveHigh = activeHigh;
        _energised = activeHigh ? PinValue.High : PinValue.Low;
        _deEnergised = activeHigh ? PinValue.Low : PinValue.High;
        // The line is driven to the open level as it becomes an output: the coil never twitches at start-up.
        controller.OpenPin(pin, PinMode.Output, _deEnergised);
        _energise = new[] { new PinValuePair(pin, _energised) };
        _deEnergise = new[] { new PinValuePair(pin, _deEnergised) };
        _safe.Count = 1;
        _safe.Values[0] = 0f;
    }

    /// <summary>The GPIO line.</summary>
    public int Pin { get; }
    /// <summary>Whether a high level energises the relay.</summary>
    public bool ActiveHigh { get; }
    /// <summary>Whether the contact is closed now.</summary>
    public bool IsClosed => _closed;
    /// <summary>Times the relay changed state.</summary>
    public long Switches { get; private set; }
    /// <summary>The safe command (open).</summary>
    public ActuatorCommand SafeCommand => _safe;
    /// <summary>The controller (tests read the pin back through it).</summary>
    public GpioController Controller => _controller;

    /// <inheritdoc/>
    public int Channels => 1;

    /// <inheritdoc/>
    public void Apply(in ActuatorCommand command)
    {
        bool close = command.Count > 0 && command.Values[0] >= 0.5f;
        if (close == _closed) return;
        _controller.Write(close ? _energise : _deEnergise);
        _closed = close;
        Switches++;
    }

    /// <inheritdoc/>
    public ActuatorCommand ApplySafeState()
    {
        _controller.Write(_deEnergise);
        if (_closed) Switches++;
        _closed = false;
        return _safe;
    }

    /// <summary>A relay on the board's GPIO chip <c>/dev/gpiochip{chip}</c>, through the character device (<see cref="CdevGpioDriver"/>: writes allocate nothing).</summary>
    public static RelayActuator OpenHardware(int pin, bool activeHigh, int chip = 0)
    {
        var controller = new GpioController(new CdevGpioDriver(chip));
        try
        {
            return new RelayActuator(controller, pin, activeHigh);
        }
        catch
        {
            controller.Dispose();
            throw;
        }
    }

    /// <summary>A relay on a simulated chip; the driver records every write.</summary>
    public static RelayActuator OpenSimulated(int pin, bool activeHigh, out SimulatedGpioDriver driver)
    {
        driver = new SimulatedGpioDriver(pinCount: Math.Max(64, pin + 1));
        return new RelayActuator(new GpioController(driver), pin, activeHigh);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // De-energise before letting go of the line.
        try { ApplySafeState(); } catch (Exception) { /* the line may already be gone */ }
        if (_ownsController) _controller.Dispose();
    }
}
