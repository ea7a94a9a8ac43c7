using System.Buffers.Text;

namespace CdcBridge.Capture;

/// <summary>
/// The common shapes of PostgreSQL's text output (what pgoutput sends), parsed straight from its UTF-8 bytes. Each
/// parser accepts only the exact form PostgreSQL prints and answers false for anything else, so the caller falls
/// back to <see cref="PgTextValues"/>, which handles (or refuses) every form.
/// </summary>
internal static class PgUtf8Text
{
    private static readonly int EpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static bool TryInt32(ReadOnlySpan<byte> text, out int value) =>
        Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;

    public static bool TryInt64(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;

    /// <summary>numeric's text ("-12.340", "7") with at most 18 digits: the unscaled value and the digits after the point.</summary>
    public static bool TryDecimal(ReadOnlySpan<byte> text, out long unscaled, out int scale)
    {
        unscaled = 0;
        scale = 0;
        var negative = text.Length > 0 && text[0] == (byte)'-';
        var digits = 0;
        var point = -1;
        for (var i = negative ? 1 : 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == (byte)'.' && point < 0)
            {
                point = i;
            }
            else if (c is >= (byte)'0' and <= (byte)'9' && ++digits <= 18)
            {
                unscaled = (unscaled * 10) + (c - '0');
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || point == text.Length - 1)
        {
            return false;
        }

        scale = point < 0 ? 0 : text.Length - point - 1;
        unscaled = negative ? -unscaled : unscaled;
        return true;
    }

    /// <summary>date's ISO text "yyyy-MM-dd" as days since 1970-01-01.</summary>
    public static bool TryDateDays(ReadOnlySpan<byte> text, out int days)
    {
        days = 0;
        if (text.Length != 10 || !TryDate(text, out var date))
        {
            return false;
        }

        days = date.DayNumber - EpochDay;
        return true;
    }

    /// <summary>timestamp's ISO text "yyyy-MM-dd HH:mm:ss[.f…f]" (up to 6 fraction digits), read as UTC: its ticks.</summary>
    public static bool TryTimestampTicks(ReadOnlySpan<byte> text, out long ticks)
    {
        ticks = 0;
        if (text.Length < 19 || text[10] != (byte)' ' || text[13] != (byte)':' || text[16] != (byte)':' || !TryDate(text[..10], out var date)
            || !TryTwoDigits(text[11..13], out var hour) || !TryTwoDigits(text[14..16], out var minute) || !TryTwoDigits(text[17..19], out var second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long fraction = 0;
        if (text.Length > 19)
        {
            var digits = text[20..];
            if (text[19] != (byte)'.' || digits.Length is 0 or > 6)
            {
                return false;
            }

            foreach (var c in digits)
            {
                if (c is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }

                fraction = (fraction * 10) + (c - '0');
            }

            for (var i = digits.Length; i < 7; i++)
            {
                fraction *= 10; // to 100 ns ticks
            }
        }

        ticks = date.ToDateTime(new TimeOnly(hour, minute, second), DateTimeKind.Utc).Ticks + fraction;
        return true;
    }

    private static bool TryDate(ReadOnlySpan<byte> text, out DateOnly date)
    {
        date = default;
        if (text[4] != (byte)'-' || text[7] != (byte)'-' || !TryTwoDigits(text[..2], out var century) || !TryTwoDigits(text[2..4], out var yy)
            || !TryTwoDigits(text[5..7], out var month) || !TryTwoDigits(text[8..10], out var day))
        {
            return false;
        }

        var year = (century * 100) + yy;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryTwoDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text[0] is < (byte)'0' or > (byte)'9' || text[1] is < (byte)'0' or > (byte)'9')
        {
            return false;
        }

        value = ((text[0] - '0') * 10) + (text[1] - '0');
        return true;
    }
}
