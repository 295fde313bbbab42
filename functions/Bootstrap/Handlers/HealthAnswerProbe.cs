using System.Net;
using System.Net.Sockets;
using Failover.Functions.Aws;

namespace Failover.Functions.Handlers;

/// Route 53's verdict on the primary's endpoint, read from its DNS: the answer for the health record (HealthAnswer) from the
/// hosted zone's own name servers, each in turn until one answers. Route 53's DNS is its data plane, served from many places;
/// its API (GetHealthCheckStatus) is in us-east-1. The answer already applies Route 53's rule (healthy above 18 % of checkers).
public sealed class HealthAnswerProbe(string name, IReadOnlyList<NameServer> servers)
{
    public const string Source = "route53-dns";

    /// A name server answers in milliseconds; a dead one should not take the whole evidence budget from the next.
    public static readonly TimeSpan PerServer = TimeSpan.FromSeconds(1.5);

    public async Task<Evidence> AskAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(budget);
        foreach (var server in servers)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
            attempt.CancelAfter(PerServer);
            try
            {
                var (addresses, error) = await DnsQuery.AskAsync(server, name, attempt.Token);
                if (error is not null)
                {
                    failures.Add($"{server}: {error}");
                    continue;
                }
                if (addresses.Contains(IPAddress.Parse(HealthAnswer.Healthy)))
                    return new Evidence(Source, Health.Healthy, $"Route 53 ({server}) answers {name} with the primary: its checkers see the endpoint healthy");
                if (addresses.Contains(IPAddress.Parse(HealthAnswer.Fallback)))
                    return new Evidence(Source, Health.Unhealthy, $"Route 53 ({server}) answers {name} with the fallback: its checkers see the endpoint failing");
                failures.Add($"{server}: answered {string.Join(", ", addresses)}, neither health answer");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{server}: no answer in time");
                if (overall.IsCancellationRequested) break;
            }
            catch (SocketException e)
            {
                failures.Add($"{server}: {e.SocketErrorCode}");
            }
        }
        return new Evidence(Source, Health.Unknown, failures.Count == 0 ? "no name server to ask" : $"no answer: {string.Join("; ", failures)}");
    }
}
