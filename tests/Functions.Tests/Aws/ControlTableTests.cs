using Failover.Functions.Aws;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Aws;

/// Control table items as operators or older versions may have left them: a missing attribute stays unknown.
[Collection("moto")]
public sealed class ControlTableTests(MotoServer moto) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private ControlTableClient Table(World world)
    {
        var env = world.Environment();
        return new AwsClients(env.GetValueOrDefault, _http, TimeProvider.System, AwsRetryPolicy.Default).ControlTable(world.Table);
    }

    [Fact]
    public async Task A_state_without_an_epoch_reads_as_unknown_not_zero()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2"}""");

        var control = await Table(world).GetControlAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        control.State.Should().Be(new ControlState("us-west-2", null, null));
        control.Lock.Should().BeNull();
    }

    [Fact]
    public async Task A_lock_without_a_lease_reads_as_having_none_and_is_unreadable()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-lock", """{"owner":"exec-other"}""");

        var holder = (await Table(world).GetControlAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Lock;

        holder!.Owner.Should().EndWith(":exec-other");
        holder.LeaseExpiresAt.Should().BeNull();
        holder.Unreadable.Should().BeTrue();
    }

    [Fact]
    public async Task A_lease_stored_as_text_is_no_lease()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-lock", """{"owner":"exec-other","leaseExpiresAt":"tomorrow"}""");

        var holder = (await Table(world).GetControlAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Lock;

        holder!.Owner.Should().EndWith(":exec-other");
        holder.LeaseExpiresAt.Should().BeNull();
    }
}

/// LockHolder.HeldAgainst must agree with the conditional write that takes the lock (ControlTableClient.LockAvailable, whose agreement
/// with moto is in DecideTests): held only when readable, unexpired and someone else's.
public sealed class LockHolderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("exec-other", 60, true)]
    [InlineData("exec-other", 0, true)]
    [InlineData("exec-other", -1, false)]
    [InlineData("exec-1", 60, false)]
    [InlineData(null, 60, false)]
    [InlineData(null, -1, false)]
    public void A_readable_lease_in_the_future_or_this_second_holds_the_lock_against_other_owners(string? owner, int leaseSecondsFromNow, bool held) =>
        new LockHolder(owner, Now.AddSeconds(leaseSecondsFromNow)).HeldAgainst("exec-1", Now).Should().Be(held);

    [Fact]
    public void A_lock_without_a_lease_is_unreadable_and_holds_nobody_off() =>
        new LockHolder("exec-other", null).HeldAgainst("exec-1", Now).Should().BeFalse();

    [Fact]
    public void A_lock_without_a_lease_that_we_own_is_ours() =>
        new LockHolder("exec-1", null).HeldAgainst("exec-1", Now).Should().BeFalse();
}
