using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Profiles;

namespace Realtime.Demos;

/// <summary>
/// What each demo needs of a profile beyond the loader's own checks, as "field: problem" lines:
/// the host runs the chosen demo's check where it loads the profile, and the problems join the
/// loader's in one error naming the file.
/// </summary>
public static class DemoProfileChecks
{
}
