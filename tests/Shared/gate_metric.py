"""A metric traffic gate as Route 53 reads it, for the moto world scripts (Functions.Tests/Harness/world.py, oracles/drill/world.py)."""
import datetime


def aligned_points(cloudwatch, namespace, seconds=300):
    """The gate metric's data points as CloudWatch's period alignment sees them: for each aligned one-second window that has any,
    its Maximum, oldest first. (moto buckets a ranged query from its first data point, not on period boundaries, so each window
    is asked for on its own: a minute first, then the seconds of the minutes that have data.)"""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=1)
    def stats(start, end):
        return cloudwatch.get_metric_statistics(Namespace=namespace, MetricName="Closed", StartTime=start, EndTime=end, Period=1,
                                                Statistics=["Maximum", "SampleCount"])["Datapoints"]
    points = []
    for m in range(seconds // 60, -1, -1):
        minute = now - datetime.timedelta(seconds=60 * (m + 1))
        if not stats(minute, minute + datetime.timedelta(seconds=60)):
            continue
        for s in range(60):
            second = minute + datetime.timedelta(seconds=s)
            found = stats(second, second + datetime.timedelta(seconds=1))
            if found:
                points.append(max(p["Maximum"] for p in found))
    return points
