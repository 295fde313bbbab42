namespace Failover.Infra.Tests.Golden;

public sealed class LineDiffTests
{
    [Fact]
    public void A_changed_line_shows_as_removed_and_added_with_line_numbers() =>
        LineDiff.Describe("a\nb\nc", "a\nB\nc").Should().Be("-    2: b\n+    2: B");
}
