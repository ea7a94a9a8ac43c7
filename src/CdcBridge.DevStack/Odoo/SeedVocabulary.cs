namespace CdcBridge.DevStack.Odoo;

/// <summary>Words the seed builds product and customer names from. All names are invented; emails use example.com.</summary>
internal static class SeedVocabulary
{
    public static readonly string[] Adjectives =
        ["Trail", "Summit", "Harbor", "Canyon", "Alpine", "Coastal", "Urban", "Forest", "Desert", "Meadow", "Ridge",
         "Glacier", "Prairie", "Island", "River", "Granite", "Cedar", "Aurora", "Basin", "Tundra"];

    /// <summary>Product kinds: name, SKU prefix, whether variants come in sizes/colours, whether tracked by lot.</summary>
    public static readonly (string Name, string Code, bool Sized, bool Lots)[] Kinds =
    [
        ("Tee", "TEE", true, false), ("Hoodie", "HOOD", true, false), ("Jacket", "JKT", true, false),
        ("Sneaker", "SNK", true, false), ("Jogger", "JOG", true, false), ("Parka", "PRK", true, false),
        ("Beanie", "BEAN", false, false), ("Backpack", "BPK", false, false), ("Cap", "CAP", false, false),
        ("Tote", "TOTE", false, false), ("Bottle", "BTL", false, false), ("Mug", "MUG", false, false),
        ("Blanket", "BLNK", false, false), ("Lantern", "LANT", false, false), ("Tent", "TENT", false, false),
        ("Coffee Beans", "COF", false, true), ("Trail Mix", "MIX", false, true), ("Sunscreen", "SUN", false, true),
    ];

    public static readonly (string Name, string Code)[] Colors =
        [("Black", "BLK"), ("Navy", "NVY"), ("Olive", "OLV"), ("Sand", "SND"), ("Red", "RED")];

    public static readonly string[] Sizes = ["S", "M", "L", "XL"];

    public static readonly string[] FirstNames =
        ["Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Rowan", "Sage", "Emerson", "Harper", "Kai", "Logan",
         "Parker", "Reese", "Skyler", "Tatum", "Blake", "Drew", "Elliot", "Finley"];

    public static readonly string[] LastNames =
        ["Alder", "Birch", "Calder", "Dunmore", "Ellison", "Fairley", "Garrow", "Hollis", "Ingram", "Jessup", "Kestrel",
         "Lowry", "Marlow", "Norcross", "Oakes", "Penrose", "Quarry", "Rendell", "Stroud", "Thorne"];

    public static readonly string[] Cities = ["Portland", "Denver", "Austin", "Boston", "Chicago", "Seattle", "Atlanta", "Phoenix"];
}
