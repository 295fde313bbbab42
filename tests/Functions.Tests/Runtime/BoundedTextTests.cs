using Failover.Functions.Runtime;

namespace Failover.Functions.Tests.Runtime;

/// Values and messages repeated back to a caller stay short, however large what they repeat.
public sealed class BoundedTextTests
{
    [Fact]
    public void A_short_value_is_quoted_in_full() => BoundedText.Of("drill").Should().Be("'drill'");

    [Fact]
    public void A_value_of_exactly_the_bound_is_not_cut() => BoundedText.Of(new string('a', 64)).Should().Be($"'{new string('a', 64)}'");

    [Fact]
    public void A_long_value_is_cut_at_the_bound_and_its_length_given() =>
        BoundedText.Of(new string('a', 3_145_728)).Should().Be($"'{new string('a', 64)}…' (3145728 chars)");

    [Fact]
    public void The_bound_can_be_chosen() => BoundedText.Of("failover", max: 4).Should().Be("'fail…' (8 chars)");

    [Fact]
    public void Null_is_echoed_as_null() => BoundedText.Of(null).Should().Be("null");

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair() =>
        BoundedText.Of("abc😀def", max: 4).Should().Be("'abc…' (8 chars)");

    [Fact]
    public void A_message_within_the_bound_is_kept_as_it_is() => BoundedText.Cut("all is well", 100).Should().Be("all is well");

    [Fact]
    public void A_long_message_is_cut_to_at_most_the_bound_with_its_length()
    {
        var cut = BoundedText.Cut(new string('m', 5_000_000), 1024);

        cut.Length.Should().BeLessThanOrEqualTo(1024);
        cut.Should().StartWith("mmmm").And.EndWith("… (5000000 chars)");
    }
}
