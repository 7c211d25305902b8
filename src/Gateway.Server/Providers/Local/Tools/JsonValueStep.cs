namespace Gateway.Server.Providers.Local.Tools;

/// <summary>What one character was to the value <see cref="JsonValueScanner"/> reads.</summary>
internal enum JsonValueStep
{
    /// <summary>The character belongs to the value, which goes on.</summary>
    Inside,

    /// <summary>The character ends the value.</summary>
    Ended,

    /// <summary>The value had ended before this character, which is not part of it.</summary>
    After,
}
