package dev.ferry.copy;

import org.apache.rocketmq.client.consumer.MessageSelector;

/**
 * What a link subscribes to on its source, and so where copies that would loop are dropped: pure, no I/O.
 *
 * <p>Where copies can come back and the source's brokers evaluate SQL-92, the loop check runs there and the
 * copies it drops never cross the network (see {@link LoopFilter}; on RocketMQ 4.x, whose SQL-92 lacks the string
 * operators, only the copies straight from the target, which is all of them in a two-way backup); elsewhere the link takes every message (or
 * every one the backup's filter takes) and Ferry drops loops itself — it always checks. With a signing key the
 * broker never drops on {@code FERRY_PATH}: it cannot tell a signed path from a forged one, and would pass over a
 * forged one silently; Ferry verifies, then drops or copies. A backup filter needs SQL-92 on the broker either way.
 *
 * @param selector         the consumer's subscription for the backup's topics
 * @param loopCheck        where copies that would loop are dropped: {@code broker} or {@code ferry}
 * @param filteredAtBroker the subscription is SQL-92: the broker passes over messages, and the backlog it reports
 *                         counts them
 * @param note             what to say about it at start, or null
 */
record LinkSubscription(MessageSelector selector, String loopCheck, boolean filteredAtBroker, String note) {

    /** What SQL-92 the source's brokers evaluate. */
    enum Sql92 {
        /** {@code enablePropertyFilter} is off: no SQL-92 subscription at all. */
        NONE,
        /** SQL-92 without {@code STARTSWITH}, {@code ENDSWITH} and {@code CONTAINS}: RocketMQ 4.x. */
        WITHOUT_STRING_OPERATORS,
        /** RocketMQ 5.x with {@code enablePropertyFilter=true}. */
        FULL
    }

    /**
     * @param sql92        what SQL-92 the source's brokers evaluate
     * @param loopPossible copies can come back to the source from the target (two-way, rings)
     * @param signed       stamps are signed, and only signed ones trusted
     * @param filter       the backup's SQL-92 filter, or null
     * @throws IllegalStateException a filter the source's brokers cannot evaluate, saying what to do
     */
    static LinkSubscription choose(Sql92 sql92, boolean loopPossible, boolean signed, String filter,
                                   String backup, String source, String target) {
        if (sql92 == Sql92.FULL && loopPossible && !signed) {
            return new LinkSubscription(MessageSelector.bySql(LoopFilter.subscription(filter, target)), "broker", true,
                null);
        }
        if (sql92 == Sql92.WITHOUT_STRING_OPERATORS && loopPossible && !signed) {
            return new LinkSubscription(MessageSelector.bySql(LoopFilter.subscriptionWithoutStringOperators(filter,
                target)), "broker", true, "the brokers of '" + source + "' have SQL-92 without STARTSWITH, ENDSWITH"
                + " and CONTAINS (RocketMQ 4.x): they pass over the copies that came straight from '" + target + "';"
                + " copies with a longer FERRY_PATH naming it (rings) are pulled and dropped by Ferry");
        }
        if (sql92 != Sql92.NONE && filter != null) {
            return new LinkSubscription(MessageSelector.bySql(filter), "ferry", true, null);
        }
        if (filter != null) {
            throw new IllegalStateException("backup '" + backup + "': its filter needs SQL-92 on the brokers of '"
                + source + "', which do not have enablePropertyFilter=true (set it in broker.conf and restart"
                + " the brokers, or remove the filter)");
        }
        String note = null;
        if (loopPossible && signed) {
            note = "stamps are signed: copies that would loop are pulled and dropped by Ferry, which verifies"
                + " their signature (the broker could not, and would pass over forged paths unseen)";
        } else if (loopPossible) {
            note = "the brokers of '" + source + "' do not have enablePropertyFilter=true; copies that would loop are"
                + " pulled and dropped by Ferry";
        }
        return new LinkSubscription(MessageSelector.byTag("*"), "ferry", false, note);
    }
}
