package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.rocketmq.common.filter.ExpressionType;
import org.junit.jupiter.api.Test;

/** Where a link drops copies that would loop, and what it subscribes to, by what the source's brokers can do. */
class LinkSubscriptionTest {

    @Test
    void twoWayOnSql92BrokersDropsLoopsOnTheBroker() {
        LinkSubscription chosen = LinkSubscription.choose(true, true, false, null, "aa", "A", "B");
        assertThat(chosen.loopCheck()).isEqualTo("broker");
        assertThat(chosen.filteredAtBroker()).isTrue();
        assertThat(chosen.selector().getExpressionType()).isEqualTo(ExpressionType.SQL92);
        assertThat(chosen.selector().getExpression()).isEqualTo(LoopFilter.subscription(null, "B"));
        assertThat(chosen.note()).isNull();
    }

    @Test
    void signedStampsAreCheckedByFerryNeverByTheBroker() {
        LinkSubscription chosen = LinkSubscription.choose(true, true, true, null, "aa", "A", "B");
        assertThat(chosen.loopCheck()).isEqualTo("ferry");
        assertThat(chosen.filteredAtBroker()).isFalse();
        assertThat(chosen.selector().getExpression()).isEqualTo("*");
        assertThat(chosen.note()).startsWith("stamps are signed");

        LinkSubscription filtered = LinkSubscription.choose(true, true, true, "amount > 10", "aa", "A", "B");
        assertThat(filtered.selector().getExpression()).as("the backup's filter alone").isEqualTo("amount > 10");
        assertThat(filtered.loopCheck()).isEqualTo("ferry");
        assertThat(filtered.filteredAtBroker()).isTrue();
    }

    @Test
    void withoutSql92TheLinkTakesEverythingAndSaysWhy() {
        LinkSubscription chosen = LinkSubscription.choose(false, true, false, null, "aa", "A", "B");
        assertThat(chosen.loopCheck()).isEqualTo("ferry");
        assertThat(chosen.selector().getExpressionType()).isEqualTo(ExpressionType.TAG);
        assertThat(chosen.note()).contains("'A' do not have enablePropertyFilter=true");

        assertThat(LinkSubscription.choose(false, false, false, null, "dr", "A", "B").note())
            .as("one-way: nothing can loop, nothing to say").isNull();
    }

    @Test
    void aFilterTheSourceCannotRunIsRefusedSayingWhatToDo() {
        assertThatThrownBy(() -> LinkSubscription.choose(false, false, false, "amount > 10", "dr", "A", "B"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("backup 'dr': its filter needs SQL-92 on the brokers of 'A', which do not have"
                + " enablePropertyFilter=true (set it in broker.conf and restart the brokers, or remove the filter)");
    }
}
