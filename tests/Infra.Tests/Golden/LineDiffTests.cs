namespace Failover.Infra.Tests.Golden;

public sealed class LineDiffTests
{
    [Fact]
    public void A_changed_line_shows_as_removed_and_added_with_line_numbers() =>
        LineDiff.Describe("a\nb\nc", "a\nB\nc").Should().Be("-    2: b\n+    2: B");

    [Fact]
    public void A_changed_block_shows_its_old_lines_then_its_new_ones() =>
        LineDiff.Describe("a\nb\nc\nd", "a\nB\nC\nd").Should().Be("-    2: b\n-    3: c\n+    2: B\n+    3: C");

    [Fact]
    public void The_script_is_a_shortest_one_keeping_every_line_the_texts_share()
    {
        string[] old = ["a", "b", "c", "a", "b", "b", "a"], @new = ["c", "b", "a", "b", "a", "c"];

        var edits = LineDiff.Edits(old, @new);

        // The example of Myers' paper: the longest common subsequence has 4 lines, so 5 edits.
        edits.Count(e => e.Kind == LineDiff.Kind.Same).Should().Be(4);
        edits.Where(e => e.Kind != LineDiff.Kind.Added).Select(e => e.Line).Should().Equal(old);
        edits.Where(e => e.Kind != LineDiff.Kind.Removed).Select(e => e.Line).Should().Equal(@new);
    }
}
