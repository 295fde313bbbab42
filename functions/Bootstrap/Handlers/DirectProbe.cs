using System.Net.Sockets;
using System.Security.Authentication;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `decide`'s own look at the primary: GET its public health URL from the region decide runs in, as Route 53's checkers do
/// from theirs. Its own client: these requests are not AWS calls (no signing, no AWS retry policy), and its handler's settings
/// (no redirects, no certificate validation, a fresh connection per attempt) would be wrong for them.
public sealed class DirectProbe(HttpClient http, TimeProvider time)
{
    public const string Source = "direct-probe";

    /// Route 53's checkers try a few times before they call an endpoint down; three attempts make one lost packet no outage.
    public const int Attempts = 3;

    /// An attempt's own limit: a health path that takes longer is failing its purpose (Route 53 allows an HTTP check 2 s to
    /// connect and 2 s more to answer).
    public static readonly TimeSpan MaxAttemptTime = TimeSpan.FromSeconds(2);

    /// Between attempts: long enough for a listener being replaced to come back, short against the evidence budget.
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    /// What one attempt's answer may say about it in the evidence; three of them keep the detail under ~400 characters.
    private const int MaxAttemptDetail = 100;

    /// One client per process (Program.cs). A fresh connection per attempt, as Route 53's checkers make: a pooled connection
    /// would show a listener that no longer accepts new connections as healthy.
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        // 3xx is an answer, as it is to Route 53's HTTP checks: following it would probe somewhere else.
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        UseCookies = false,
        UseProxy = false,
        SslOptions =
        {
            // The URL names the load balancer, whose certificate is issued for the application's domain, so validation would
            // fail on every healthy primary; Route 53's HTTPS checkers do not validate certificates either. The probe sends
            // nothing secret and only reads a status code, so an impostor could at worst make a dead primary look alive,
            // which the other families and the two-source rule already guard against.
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        },
    })
    // Every attempt has its own timeout (a token); the client's must not cut one short.
    { Timeout = Timeout.InfiniteTimeSpan };

    /// Per attempt: at most MaxAttemptTime, and small enough that all attempts and the pauses between them fit the budget.
    public static TimeSpan AttemptTime(TimeSpan budget)
    {
        var share = (budget - Pause * (Attempts - 1)) / Attempts;
        return share < TimeSpan.Zero ? TimeSpan.Zero : share < MaxAttemptTime ? share : MaxAttemptTime;
    }

    /// HEALTHY on the first 2xx or 3xx; UNHEALTHY when every attempt failed (refused, reset, timed out, TLS failure, any
    /// other status). It never throws for the endpoint's faults: a failed attempt is what the probe is there to see.
    public async Task<Evidence> ProbeAsync(Uri url, TimeSpan budget, CancellationToken cancellationToken)
    {
        var perAttempt = AttemptTime(budget);
        var seen = new List<string>(Attempts);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (attempt > 1) await Task.Delay(Pause, time, cancellationToken);
            var started = time.GetTimestamp();
            var answer = await AttemptAsync(url, perAttempt, cancellationToken);
            var took = (int)time.GetElapsedTime(started).TotalMilliseconds;
            seen.Add($"{attempt}: {BoundedText.Cut(answer.Text, MaxAttemptDetail)} ({took} ms)");
            if (answer.Healthy)
                return new Evidence(Source, Health.Healthy, $"GET {BoundedText.Cut(url.GetLeftPart(UriPartial.Authority), 120)}{BoundedText.Cut(url.AbsolutePath, 60)} answered: {string.Join("; ", seen)}");
        }
        return new Evidence(Source, Health.Unhealthy,
            $"GET {BoundedText.Cut(url.GetLeftPart(UriPartial.Authority), 120)}{BoundedText.Cut(url.AbsolutePath, 60)} failed {Attempts} times: {string.Join("; ", seen)}");
    }

    private async Task<(bool Healthy, string Text)> AttemptAsync(Uri url, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var attemptTime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTime.CancelAfter(limit);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            // Headers only: the status is the verdict, and a large body would only cost time.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTime.Token);
            var status = (int)response.StatusCode;
            return (status is >= 200 and < 400, $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer in {(int)limit.TotalMilliseconds} ms");
        }
        catch (HttpRequestException e)
        {
            return (false, Describe(e));
        }
    }

    // The process runs with UseSystemResourceKeys (messages are resource keys), so the kind of failure comes from the types.
    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.TimedOut => "connect timed out",
                    SocketError.HostNotFound or SocketError.NoData => "name not resolved",
                    var other => $"socket error {other}",
                };
            if (inner is AuthenticationException) return "TLS handshake failed";
            if (inner is IOException && inner.InnerException is null) return "connection closed";
        }
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "name not resolved",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.ResponseEnded => "connection closed before an answer",
            HttpRequestError.InvalidResponse => "not an HTTP answer",
            var other => $"request failed ({other})",
        };
    }
}
