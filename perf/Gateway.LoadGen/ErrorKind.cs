namespace Gateway.LoadGen;

/// <summary>Why a request did not count as a success; <see cref="Status"/> is split by code in the reports.</summary>
public enum ErrorKind
{
    None,
    ConnectRefused,
    ConnectError,
    Timeout,
    Status,
    Protocol,
    Reset,
    Overloaded,
}
