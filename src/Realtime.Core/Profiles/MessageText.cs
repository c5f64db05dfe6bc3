using System.Globalization;
using System.Text;

namespace Realtime.Core.Profiles;

/// <summary>How a message shows a value that came from outside (a profile, the command line).</summary>
public static class MessageText
{
    /// <summary>A value as an error message may show it: control characters written as escapes, so a hostile value stays on its one line.</summary>
    public static string Shown(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (char ch in value)
        {
            if (ch == '\n') sb.Append("\\n");
            else if (ch < 0x20 || ch == 0x7F || char.IsSurrogate(ch)) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:x4}");
            else sb.Append(ch);
        }
        return sb.ToString();
    }
}
