using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Failover.Functions.Tests.Runtime;

/// A TCP endpoint on 127.0.0.1 that accepts connections and never answers: AWS behind a hung network path.
public sealed class SilentEndpoint : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _accepted = [];

    public SilentEndpoint()
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = Task.Run(AcceptAsync);
    }

    /// The value for AWS_ENDPOINT_URL.
    public string Url { get; }

    /// Connections accepted so far (each is held open, unread).
    public int Connections => _accepted.Count;

    private async Task AcceptAsync()
    {
        while (true)
        {
            try { _accepted.Add(await _listener.AcceptTcpClientAsync()); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        foreach (var client in _accepted) client.Dispose();
    }
}
