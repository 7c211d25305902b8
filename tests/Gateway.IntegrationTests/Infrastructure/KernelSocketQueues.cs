using System.Globalization;
using System.Net;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>What the kernel holds for one IPv4 TCP socket, read from /proc/net/tcp (proc(5)).</summary>
internal readonly record struct KernelSocketQueues(bool Established, long SendQueue, long ReceiveQueue)
{
    private const string EstablishedState = "01";

    /// <summary>The socket bound to <paramref name="local"/> and connected to <paramref name="remote"/>, or null when there is none.</summary>
    public static KernelSocketQueues? Find(IPEndPoint local, IPEndPoint remote)
    {
        var localAddress = Format(local);
        var remoteAddress = Format(remote);
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            // sl local_address rem_address st tx_queue:rx_queue ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[1] != localAddress || fields[2] != remoteAddress)
            {
                continue;
            }
            var queues = fields[4].Split(':');
            return new KernelSocketQueues(
                fields[3] == EstablishedState,
                long.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        return null;
    }

    // The address is the in-memory (little-endian on x86) 32-bit value in hex, the port big-endian hex.
    private static string Format(IPEndPoint endPoint) =>
        $"{BitConverter.ToUInt32(endPoint.Address.GetAddressBytes()):X8}:{endPoint.Port:X4}";
}
