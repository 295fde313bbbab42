using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class LockCheckTests(MotoServer moto)
{
    private readonly ControlPlans _plans = new(moto);

    private const string Run = "arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:run-1";

    private static long InSeconds(int seconds) => DateTimeOffset.UtcNow.AddSeconds(seconds).ToUnixTimeSeconds();

    private Task PutLockAsync(string owner, long leaseExpiresAt) =>
        _plans.Ask("put-lock", $$"""{"owner":"{{owner}}","tokenHash":"hash","action":"failover","leaseExpiresAt":{{leaseExpiresAt}}}""");

    private Task<CheckResult> CheckAsync() => new LockCheck().RunAsync(_plans.Context(ControlPlans.Secondary()), CancellationToken.None);

    [Fact]
    public async Task No_lock_passes()
    {
        await _plans.ArrangeAsync();

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be("no lock is held (control table failover-control in us-west-2)");
    }

    [Fact]
    public async Task A_lock_held_by_a_running_run_within_its_lease_passes()
    {
        await _plans.ArrangeAsync();
        await PutLockAsync("run-1", InSeconds(600));

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().StartWith($"the lock is held by {Run} for failover, which is RUNNING, within its lease (until ");
    }

    [Fact]
    public async Task A_lock_past_its_lease_fails()
    {
        await _plans.ArrangeAsync();
        await PutLockAsync("run-1", InSeconds(-600));

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().MatchRegex($"^the lock is held by {Run} for failover past its lease, which ended at .+ \\(1[01] min ago\\): the run stopped renewing it$");
    }

    [Fact]
    public async Task A_lock_held_by_a_run_that_ended_fails()
    {
        await _plans.ArrangeAsync();
        await PutLockAsync("run-1", InSeconds(600));
        await _plans.Ask("stop-execution", Run);

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().MatchRegex($"^the lock is held by {Run} for failover, which is ABORTED, not RUNNING, until .+: the run ended without releasing it$");
    }

    [Fact]
    public async Task A_lock_held_by_an_execution_step_functions_does_not_know_fails()
    {
        await _plans.ArrangeAsync();
        await PutLockAsync("arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:gone", InSeconds(600));

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().StartWith("the lock is held by arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:gone for failover, " +
                                      "an execution Step Functions in us-east-1 does not know");
    }

    [Fact]
    public async Task A_lock_without_an_owner_fails_as_one_these_functions_never_write()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("put-lock", $$"""{"action":"failover","leaseExpiresAt":{{InSeconds(600)}}}""");

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().MatchRegex("^the lock in failover-control \\(us-west-2\\) has no lockOwner and a lease until .+: these functions never write such a lock; remove it$");
    }
}
