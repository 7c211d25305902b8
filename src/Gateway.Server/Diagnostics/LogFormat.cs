namespace Gateway.Server.Diagnostics;

/// <summary>LOG_FORMAT: how a line is written.</summary>
internal enum LogFormat
{
    /// <summary>Timestamp, level, message, then <c>key=value</c> pairs.</summary>
    Text,

    /// <summary>One JSON object per line, with snake_case field names.</summary>
    Json,
}
