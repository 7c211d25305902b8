namespace Gateway.Server.Configuration;

/// <summary>What BASH_SANDBOX asks for (issue 14).</summary>
internal enum SandboxMode
{
    /// <summary>bwrap when a trial run works at start-up, else none with a warning.</summary>
    Auto,

    /// <summary>bwrap, or the gateway does not start.</summary>
    Bwrap,

    /// <summary>bash runs as the gateway itself.</summary>
    None,
}
