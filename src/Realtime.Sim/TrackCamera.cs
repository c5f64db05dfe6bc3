using System;
using System.Runtime.InteropServices;
using OpenCvSharp;
using Realtime.Core.Control;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Sim;

/// <summary>
/// The line follower's camera: it looks straight down at the floor ahead of the robot
/// (<see cref="FloorView"/>), and its image is rendered each frame by OpenCV from the robot's pose —
/// one bilinear affine warp of the rendered floor (<see cref="LineTrack.Render"/>) into a
/// preallocated image, called through OpenCvSharp with its array wrappers made once, so a frame
/// allocates nothing. Simulated time advances one nominal period per loop tick (dropped ticks
/// included), moving the robot under the commands on its motors, so a run is the same paced or not.
/// Each tick also updates lap progress and the cross-track error.
/// </summary>
public sealed class TrackCamera : IFrameSource, ITickListener
{
    private readonly TrackWorld _world;
    private readonly DifferentialDrivePlant _plant;
    private readonly LineTrack _track;
    private readonly FloorView _view;
    private readonly double _periodS;
    private readonly Mat _matrix;
    private readonly InputArray _worldIn, _matrixIn;
    // The slot the camera renders straight into, with an OpenCV header over its pinned pixels made once per slot.
    private FrameBuffer? _target;
    private Mat? _targetMat;
    private OutputArray? _targetOut;
    private readonly Scalar _floor;
    private long _sequence;
    // The image's top-left pixel centre in the robot's frame, cm: fixed by the view.
    private readonly double _fwd0, _left0;

    /// <summary>Plans the camera.</summary>
    /// <param name="track">The track.</param>
    /// <param name="world">The rendered floor (owned).</param>
    /// <param name="plant">The robot.</param>
    /// <param name="view">Where the camera looks, and its image size.</param>
    /// <param name="periodS">Simulated time per loop tick.</param>
    public TrackCamera(LineTrack track, TrackWorld world, DifferentialDrivePlant plant, FloorView view, double periodS)
    {
        if (view.Problem() is string p) throw new ArgumentException(p, nameof(view));
        if (!(periodS > 0)) throw new ArgumentOutOfRangeException(nameof(periodS));
        _track = track;
        _world = world;
        _plant = plant;
        _view = view;
        _periodS = periodS;
        (_fwd0, _left0) = view.ImageToRobot(0.5, 0.5);
        _matrix = new Mat(2, 3, MatType.CV_64FC1, Scalar.All(0));
        _worldIn = InputArray.Create(world.Image);
        _matrixIn = InputArray.Create(_matrix);
        Vec3b f = world.Image.At<Vec3b>(0, 0);
        _floor = new Scalar(f.Item0, f.Item1, f.Item2);
        Laps = new LapCounter(track.Length);
        Observe(0);
    }

    /// <inheritdoc/>
    public int Width => _view.WidthPx;
    /// <inheritdoc/>
    public int Height => _view.HeightPx;
    /// <inheritdoc/>
    public PixelFormat Format => PixelFormat.Bgr24;
    /// <summary>The robot.</summary>
    public DifferentialDrivePlant Plant => _plant;
    /// <summary>The track.</summary>
    public LineTrack Track => _track;
    /// <summary>The camera's view of the floor.</summary>
    public FloorView View => _view;
    /// <summary>Lap progress.</summary>
    public LapCounter Laps { get; }
    /// <summary>Signed distance of the axle's centre from the centreline at the last tick, cm (positive: inside, left of travel).</summary>
    public double CrossTrackCm { get; private set; }
    /// <summary>The last rendered image (BGR): a view of the slot last captured into.</summary>
    public Mat Image => _targetMat ?? throw new InvalidOperationException("nothing has been captured yet");

    /// <inheritdoc/>
    public void OnTick(long tick)
    {
        double t = tick * _periodS;
        _plant.AdvanceTo(t);
        Observe(t);
    }

    private void Observe(double t)
    {
        var (progress, signed) = _track.Project(_plant.X, _plant.Y);
        CrossTrackCm = signed;
        Laps.Update(progress, t);
    }

    /// <summary>
    /// Places the robot at pose <paramref name="pose"/> of <paramref name="poses"/> spread evenly round
    /// the track, by a fixed rule: offset up to ±4 cm from the centreline and turned up to ±15° from
    /// it, so the set holds the line straight ahead, off to a side and across the view. The robot is
    /// only placed, never driven (an open-loop data set: what the camera sees does not follow the motors).
    /// </summary>
    public void PlaceAt(int pose, int poses)
    {
        if (poses < 1) throw new ArgumentOutOfRangeException(nameof(poses), "at least one pose");
        int i = pose % poses;
        var p = _track.At(_track.Length * i / poses);
        double off = 4 * Math.Sin(i * 1.7), turn = 15 * Math.PI / 180 * Math.Sin(i * 2.3);
        _plant.Place(p.X - Math.Sin(p.Heading) * off, p.Y + Math.Cos(p.Heading) * off, p.Heading + turn);
        // No lap is driven: only the distance from the centreline is kept (the frame's figure).
        CrossTrackCm = _track.Project(_plant.X, _plant.Y).SignedDistance;
    }

    /// <summary>Renders the camera's image for the robot's pose now into <paramref name="into"/>.</summary>
    private unsafe void Render(OutputArray into)
    {
        // Destination pixel (column c, row r) ↦ floor point ↦ world image pixel: one affine map.
        double th = _plant.Heading, cos = Math.Cos(th), sin = Math.Sin(th);
        double p = _view.PxPerCm, s = _world.PxPerCm;
        double x0 = _plant.X + cos * _fwd0 - sin * _left0, y0 = _plant.Y + sin * _fwd0 + cos * _left0;
        double* m = (double*)_matrix.DataPointer;
        m[0] = s * sin / p;
        m[1] = -s * cos / p;
        m[2] = (x0 - _world.OriginXCm) * s;
        m[3] = s * cos / p;
        m[4] = s * sin / p;
        m[5] = (_world.TopYCm - y0) * s;
        // OpenCvSharp's Cv2.WarpAffine releases its OutputArray after each call (so a call would need new
        // wrappers, 3 allocations a frame): call the same native entry point with the wrappers made once.
        OpenCvSharp.Internal.NativeMethods.HandleException(OpenCvSharp.Internal.NativeMethods.imgproc_warpAffine(
            _worldIn.CvPtr, into.CvPtr, _matrixIn.CvPtr, new Size(_view.WidthPx, _view.HeightPx),
            (int)(InterpolationFlags.Linear | InterpolationFlags.WarpInverseMap), (int)BorderTypes.Constant, _floor));
        GC.KeepAlive(this);
    }

    /// <inheritdoc/>
    public CaptureStatus Capture(FrameBuffer slot)
    {
        if (slot.Width != Width || slot.Height != Height || slot.Format != PixelFormat.Bgr24) return CaptureStatus.Failed;
        if (!ReferenceEquals(slot, _target))
        {
            // A new slot (the loop keeps one): wrap its pinned pixels once, so each frame is warped straight into it.
            _targetOut?.Dispose();
            _targetMat?.Dispose();
            _targetMat = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, Marshal.UnsafeAddrOfPinnedArrayElement(slot.Pixels, 0), slot.Stride);
            _targetOut = OutputArray.Create(_targetMat);
            _target = slot;
        }
        Render(_targetOut!);
        slot.Sequence = _sequence++;
        slot.CaptureNs = MonotonicClock.NowNs();
        return CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _worldIn.Dispose();
        _matrixIn.Dispose();
        _targetOut?.Dispose();
        _matrix.Dispose();
        _targetMat?.Dispose();
        _world.Dispose();
    }
}
