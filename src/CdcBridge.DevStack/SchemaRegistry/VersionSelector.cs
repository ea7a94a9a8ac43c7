using System.Globalization;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>A <c>{version}</c> path segment: a number from 1 to 2^31-1, or <c>latest</c> (also written <c>-1</c>).</summary>
internal readonly record struct VersionSelector(int? Number)
{
    public static readonly VersionSelector Latest = new(null);

    public bool IsLatest => Number is null;

    public static VersionSelector Parse(string text)
    {
        if (string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase))
        {
            return Latest;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            if (number == -1)
            {
                return Latest;
            }

            if (number > 0)
            {
                return new VersionSelector(number);
            }
        }

        throw RegistryException.InvalidVersion(text);
    }

    /// <summary>The chosen version among <paramref name="versions"/> (oldest first), or null when it is not there.</summary>
    public SubjectVersion? Pick(IReadOnlyList<SubjectVersion> versions)
    {
        if (Number is { } number)
        {
            return versions.FirstOrDefault(v => v.Version == number);
        }

        return versions.Count == 0 ? null : versions[^1];
    }
}
