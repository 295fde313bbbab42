using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Failover.Functions.Aws;

/// A DNS name server to ask: a host name (Route 53's `ns-….awsdns-….com`) or an address, and the port (53).
public sealed record NameServer(string Host, int Port)
{
    /// `host` or `host:port`; null when it is neither.
    public static NameServer? Parse(string text)
    {
        var trimmed = text.Trim();
        var colon = trimmed.LastIndexOf(':');
        if (colon > 0 && int.TryParse(trimmed[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
            return Uri.CheckHostName(trimmed[..colon]) == UriHostNameType.Unknown ? null : new NameServer(trimmed[..colon], port);
        return Uri.CheckHostName(trimmed) == UriHostNameType.Unknown ? null : new NameServer(trimmed, 53);
    }

    public override string ToString() => Port == 53 ? Host : $"{Host}:{Port}";
}

/// One A-record question over UDP to an authoritative name server (RFC 1035 §4): Route 53's DNS answers, its data plane, which
/// stays up when its API in us-east-1 does not. No recursion is asked for; an answer that is not for this question is refused.
public static class DnsQuery
{
    private const ushort TypeA = 1, ClassIn = 1;

    /// The A records the server answers for `name`, or an error saying why there are none (NXDOMAIN, a refusal, a malformed
    /// or mismatched answer). Network failures and the deadline surface as exceptions for the caller to turn into UNKNOWN.
    public static async Task<(IReadOnlyList<IPAddress> Addresses, string? Error)> AskAsync(NameServer server, string name, CancellationToken cancellationToken)
    {
        var address = IPAddress.TryParse(server.Host, out var literal)
            ? literal
            : (await Dns.GetHostAddressesAsync(server.Host, AddressFamily.InterNetwork, cancellationToken)).FirstOrDefault()
              ?? throw new SocketException((int)SocketError.HostNotFound);
        var id = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        var query = Encode(id, name);
        using var udp = new UdpClient(address.AddressFamily);
        await udp.SendAsync(query, new IPEndPoint(address, server.Port), cancellationToken);
        while (true)
        {
            var received = await udp.ReceiveAsync(cancellationToken);
            // Anything else arriving on the socket (a late answer to nothing, a spoofing attempt) is not this answer.
            if (!received.RemoteEndPoint.Address.Equals(address) || received.Buffer.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(received.Buffer) != id)
                continue;
            return Decode(received.Buffer, id, name);
        }
    }

    /// The question: a header with one entry, no recursion desired, then the name's labels, type A, class IN.
    public static byte[] Encode(ushort id, string name)
    {
        var labels = name.TrimEnd('.').Split('.');
        if (labels.Any(l => l.Length is 0 or > 63) || name.Length > 253)
            throw new ArgumentException($"'{name}' is not a DNS name", nameof(name));
        var buffer = new List<byte>(18 + name.Length);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1); // QDCOUNT
        buffer.AddRange(header.ToArray());
        foreach (var label in labels)
        {
            buffer.Add((byte)label.Length);
            buffer.AddRange(Encoding.ASCII.GetBytes(label.ToLowerInvariant()));
        }
        buffer.Add(0);
        buffer.AddRange([0, (byte)TypeA, 0, (byte)ClassIn]);
        return [.. buffer];
    }

    /// The answer's A records for `name`; names in the answer may be compressed (RFC 1035 §4.1.4).
    public static (IReadOnlyList<IPAddress> Addresses, string? Error) Decode(ReadOnlySpan<byte> message, ushort id, string name)
    {
        if (message.Length < 12) return ([], "the answer is shorter than a DNS header");
        if (BinaryPrimitives.ReadUInt16BigEndian(message) != id) return ([], "the answer is for another question (id)");
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0) return ([], "the message is not an answer");
        if ((flags & 0x0200) != 0) return ([], "the answer was truncated");
        var rcode = flags & 0x000F;
        if (rcode == 3) return ([], "no such name (NXDOMAIN)");
        if (rcode != 0) return ([], $"the server answered rcode {rcode}");
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var offset = 12;
        var wanted = name.TrimEnd('.');
        for (var q = 0; q < questions; q++)
        {
            if (ReadName(message, ref offset) is not { } asked || offset + 4 > message.Length) return ([], "the answer's question is malformed");
            if (!string.Equals(asked, wanted, StringComparison.OrdinalIgnoreCase)) return ([], $"the answer is for {asked}, not {wanted}");
            offset += 4;
        }
        var found = new List<IPAddress>();
        for (var a = 0; a < answers; a++)
        {
            if (ReadName(message, ref offset) is not { } owner || offset + 10 > message.Length) return ([], "an answer record is malformed");
            var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var @class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10;
            if (offset + length > message.Length) return ([], "an answer record is cut short");
            if (type == TypeA && @class == ClassIn && length == 4 && string.Equals(owner, wanted, StringComparison.OrdinalIgnoreCase))
                found.Add(new IPAddress(message.Slice(offset, 4)));
            offset += length;
        }
        return (found, found.Count == 0 ? "the answer holds no A record for the name" : null);
    }

    /// A name at `offset` (labels, or a pointer to labels earlier in the message); null when malformed or looping.
    private static string? ReadName(ReadOnlySpan<byte> message, ref int offset)
    {
        var labels = new List<string>();
        var position = offset;
        var jumped = false;
        for (var hops = 0; hops < 64; hops++)
        {
            if (position >= message.Length) return null;
            var length = message[position];
            if (length == 0)
            {
                if (!jumped) offset = position + 1;
                return string.Join('.', labels);
            }
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length) return null;
                var target = ((length & 0x3F) << 8) | message[position + 1];
                if (!jumped) offset = position + 2;
                jumped = true;
                position = target;
                continue;
            }
            if (length > 63 || position + 1 + length > message.Length) return null;
            labels.Add(Encoding.ASCII.GetString(message.Slice(position + 1, length)));
            position += 1 + length;
        }
        return null;
    }
}
