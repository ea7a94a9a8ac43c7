using Confluent.Kafka;

namespace CdcBridge.Projections.Tests;

/// <summary>
/// The runner's consumer as it behaves over a log whose partitions each end in a transaction marker, which the embedded
/// broker does not write (a transactional producer's commit leaves none in its log): a partition with records ends one
/// offset after its last record, and the consumer's position moves past that offset only once a poll that waited found
/// nothing, as when the marker comes in a fetch of its own. librdkafka delivers no record at a marker's offset and moves
/// the position past it (since 1.4, confluentinc/librdkafka#2539).
/// </summary>
internal sealed class MarkerAtEndConsumer(IConsumer<byte[]?, byte[]?> inner) : IConsumer<byte[]?, byte[]?>
{
    private readonly HashSet<TopicPartition> _pastMarker = [];

    public Handle Handle => inner.Handle;

    public string Name => inner.Name;

    public string MemberId => inner.MemberId;

    public List<TopicPartition> Assignment => inner.Assignment;

    public List<string> Subscription => inner.Subscription;

    public IConsumerGroupMetadata ConsumerGroupMetadata => inner.ConsumerGroupMetadata;

    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => WithMarker(inner.GetWatermarkOffsets(topicPartition));

    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) =>
        WithMarker(inner.QueryWatermarkOffsets(topicPartition, timeout));

    public Offset Position(TopicPartition partition)
    {
        lock (_pastMarker)
        {
            return _pastMarker.Contains(partition) ? inner.Position(partition) + 1 : inner.Position(partition);
        }
    }

    public ConsumeResult<byte[]?, byte[]?> Consume(TimeSpan timeout)
    {
        var result = inner.Consume(timeout);
        if (result is null && timeout > TimeSpan.Zero)
        {
            lock (_pastMarker)
            {
                foreach (var partition in inner.Assignment)
                {
                    var position = inner.Position(partition);
                    if (position != Offset.Unset && position > 0 && position == inner.GetWatermarkOffsets(partition).High)
                    {
                        _pastMarker.Add(partition);
                    }
                }
            }
        }

        return result!;
    }

    public ConsumeResult<byte[]?, byte[]?> Consume(int millisecondsTimeout) => Consume(TimeSpan.FromMilliseconds(millisecondsTimeout));

    public ConsumeResult<byte[]?, byte[]?> Consume(CancellationToken cancellationToken = default) => inner.Consume(cancellationToken);

    public void Assign(TopicPartition partition) => Forget(() => inner.Assign(partition));

    public void Assign(TopicPartitionOffset partition) => Forget(() => inner.Assign(partition));

    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => Forget(() => inner.Assign(partitions));

    public void Assign(IEnumerable<TopicPartition> partitions) => Forget(() => inner.Assign(partitions));

    public void Unassign() => Forget(inner.Unassign);

    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => inner.IncrementalAssign(partitions);

    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => inner.IncrementalAssign(partitions);

    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => inner.IncrementalUnassign(partitions);

    public void Subscribe(IEnumerable<string> topics) => inner.Subscribe(topics);

    public void Subscribe(string topic) => inner.Subscribe(topic);

    public void Unsubscribe() => inner.Unsubscribe();

    public void StoreOffset(ConsumeResult<byte[]?, byte[]?> result) => inner.StoreOffset(result);

    public void StoreOffset(TopicPartitionOffset offset) => inner.StoreOffset(offset);

    public List<TopicPartitionOffset> Commit() => inner.Commit();

    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => inner.Commit(offsets);

    public void Commit(ConsumeResult<byte[]?, byte[]?> result) => inner.Commit(result);

    public void Seek(TopicPartitionOffset tpo) => Forget(() => inner.Seek(tpo));

    public void Pause(IEnumerable<TopicPartition> partitions) => inner.Pause(partitions);

    public void Resume(IEnumerable<TopicPartition> partitions) => inner.Resume(partitions);

    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => inner.Committed(timeout);

    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);

    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) =>
        inner.OffsetsForTimes(timestampsToSearch, timeout);

    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);

    public void Close() => inner.Close();

    public void Dispose() => inner.Dispose();

    private static WatermarkOffsets WithMarker(WatermarkOffsets offsets) =>
        offsets.High == Offset.Unset || offsets.High == 0 ? offsets : new WatermarkOffsets(offsets.Low, offsets.High + 1);

    /// <summary>An assignment or seek resets the position (librdkafka's app position), markers passed included.</summary>
    private void Forget(Action action)
    {
        lock (_pastMarker)
        {
            _pastMarker.Clear();
        }

        action();
    }
}
