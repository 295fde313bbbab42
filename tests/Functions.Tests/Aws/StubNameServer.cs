using System.Net;
using System.Net.Sockets;

namespace Failover.Functions.Tests.Aws;

/// An authoritative name server on 127.0.0.1 for the tests: answers an A question with `Answer` (compressed owner name, as Route 53
/// writes it), NXDOMAIN for other names, or nothing at all when `Silent`. Written from RFC 1035 §4, apart from the code under test.
public sealed class StubNameServer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();

    public string Name { get; init; } = "_primary-health.app.example.com";
    public string Answer { get; set; } = "192.0.2.1";
    public bool Silent { get; set; }
    public int Questions;

    public StubNameServer() => _ = ServeAsync();

    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_udp.Client.LocalEndPoint!).Port}";

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try { received = await _udp.ReceiveAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref Questions);
            if (Silent) continue;
            var reply = Reply(received.Buffer);
            await _udp.SendAsync(reply, received.RemoteEndPoint);
        }
    }

    private byte[] Reply(byte[] query)
    {
        // The question as asked: labels from offset 12 to the zero byte, then type and class.
        var end = 12;
        var labels = new List<string>();
        while (query[end] != 0)
        {
            labels.Add(System.Text.Encoding.ASCII.GetString(query, end + 1, query[end]));
            end += 1 + query[end];
        }
        var question = query[12..(end + 5)];
        var known = string.Join('.', labels).Equals(Name, StringComparison.OrdinalIgnoreCase);
        var reply = new List<byte>();
        reply.AddRange(query[..2]);
        reply.AddRange(known ? new byte[] { 0x84, 0x00 } : [0x84, 0x03]); // QR, AA; rcode 0 or NXDOMAIN
        reply.AddRange(new byte[] { 0, 1, 0, known ? (byte)1 : (byte)0, 0, 0, 0, 0 });
        reply.AddRange(question);
        if (known)
        {
            reply.AddRange(new byte[] { 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4 }); // pointer to the question's name, A, IN, TTL 10, 4 bytes
            reply.AddRange(IPAddress.Parse(Answer).GetAddressBytes());
        }
        return [.. reply];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
    }
}
