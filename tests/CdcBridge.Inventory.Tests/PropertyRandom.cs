using System.Globalization;

namespace CdcBridge.Inventory.Tests;

/// <summary>The property test's only source of randomness: one seeded generator, so a seed replays the same operations.</summary>
internal sealed class PropertyRandom(int seed)
{
    public const string SeedVariable = "CDCBRIDGE_PROPERTY_SEED";

    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>The seed from <see cref="SeedVariable"/>, else a fresh one.</summary>
    public static int ResolveSeed() =>
        Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1, int.MaxValue);

    /// <summary>An integer in [min, max).</summary>
    public int Next(int min, int max) => _random.Next(min, max);

    public int Next(int max) => _random.Next(max);

    public bool Chance(double p) => _random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>One of the items, each as likely as its weight.</summary>
    public T Weighted<T>(IReadOnlyList<(T Item, int Weight)> items)
    {
        var roll = _random.Next(items.Sum(i => i.Weight));
        foreach (var (item, weight) in items)
        {
            if (roll < weight)
            {
                return item;
            }

            roll -= weight;
        }

        return items[^1].Item;
    }

    /// <summary>A stock quantity: mostly whole units, sometimes a fraction (Odoo's unit rounding is 0.01).</summary>
    public decimal Quantity(int max = 20) => _random.Next(10) switch
    {
        < 7 => _random.Next(0, max + 1),
        < 9 => _random.Next(0, max) + Pick([0.25m, 0.5m, 0.75m]),
        _ => _random.Next(1, 100) / 100m,
    };

    /// <summary>A move's demand: whole units, sometimes with a half.</summary>
    public decimal Demand() => _random.Next(1, 8) + (_random.Next(7) == 0 ? 0.5m : 0m);
}
