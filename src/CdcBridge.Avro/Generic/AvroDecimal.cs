using System.Globalization;
using System.Numerics;

namespace CdcBridge.Avro.Generic;

/// <summary>
/// An exact decimal of any size: unscaled integer and scale, as Avro's decimal logical type (and Debezium's
/// VariableScaleDecimal) carry it. PostgreSQL numerics can exceed System.Decimal's 28 digits; this never rounds.
/// </summary>
public readonly record struct AvroDecimal(BigInteger Unscaled, int Scale) : IComparable<AvroDecimal>
{
    public static AvroDecimal FromDecimal(decimal value)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var magnitude = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        return new AvroDecimal(value < 0 ? -magnitude : magnitude, scale);
    }

    /// <summary>Parses "12.340", "-0.5", "7" or "1.5E3" exactly.</summary>
    public static AvroDecimal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParseSmall(text, out var small))
        {
            return small;
        }

        var s = text;
        var exponent = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var digits = dot >= 0 ? s.Remove(dot, 1) : s;
        var scale = (dot >= 0 ? s.Length - dot - 1 : 0) - exponent;
        if (digits.Length == 0 || digits is "-" or "+" || !digits.TrimStart('-', '+').All(char.IsAsciiDigit))
        {
            throw new FormatException($"'{text}' is not a decimal number.");
        }

        var unscaled = BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return scale >= 0 ? new AvroDecimal(unscaled, scale) : new AvroDecimal(unscaled * BigInteger.Pow(10, -scale), 0);
    }

    /// <summary>The common case without BigInteger parsing: up to 18 digits, an optional sign and point, no exponent.</summary>
    private static bool TryParseSmall(string text, out AvroDecimal value)
    {
        value = default;
        if (text.Length is 0 or > 19)
        {
            return false;
        }

        long unscaled = 0;
        var scale = -1;
        var negative = text[0] == '-';
        var digits = 0;
        for (var i = negative || text[0] == '+' ? 1 : 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && scale < 0)
            {
                scale = 0;
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            if (++digits > 18)
            {
                return false; // could overflow a long: the general path takes it
            }

            unscaled = (unscaled * 10) + (c - '0');
            if (scale >= 0)
            {
                scale++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        value = new AvroDecimal(negative ? -unscaled : unscaled, Math.Max(scale, 0));
        return true;
    }

    /// <summary>The same value at another scale; fails rather than round when digits would be lost.</summary>
    public AvroDecimal Rescale(int scale)
    {
        if (scale == Scale)
        {
            return this;
        }

        if (scale > Scale)
        {
            return new AvroDecimal(Unscaled * BigInteger.Pow(10, scale - Scale), scale);
        }

        var divisor = BigInteger.Pow(10, Scale - scale);
        var quotient = BigInteger.DivRem(Unscaled, divisor, out var remainder);
        return remainder.IsZero
            ? new AvroDecimal(quotient, scale)
            : throw new ArgumentException($"{this} has more than {scale} decimal places.");
    }

    /// <summary>The number of significant digits of the unscaled value.</summary>
    public int Precision => Unscaled.IsZero ? 1 : BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture).Length;

    public decimal ToDecimal() => decimal.Parse(ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public bool TryToDecimal(out decimal value) =>
        decimal.TryParse(ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public int CompareTo(AvroDecimal other)
    {
        var scale = Math.Max(Scale, other.Scale);
        return Rescale(scale).Unscaled.CompareTo(other.Rescale(scale).Unscaled);
    }

    public override string ToString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        var sign = Unscaled.Sign < 0 ? "-" : "";
        if (Scale <= 0)
        {
            return sign + digits + new string('0', -Scale);
        }

        digits = digits.PadLeft(Scale + 1, '0');
        return $"{sign}{digits[..^Scale]}.{digits[^Scale..]}";
    }

    public static bool operator <(AvroDecimal left, AvroDecimal right) => left.CompareTo(right) < 0;

    public static bool operator >(AvroDecimal left, AvroDecimal right) => left.CompareTo(right) > 0;

    public static bool operator <=(AvroDecimal left, AvroDecimal right) => left.CompareTo(right) <= 0;

    public static bool operator >=(AvroDecimal left, AvroDecimal right) => left.CompareTo(right) >= 0;
}
