package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.copy.LinkSubscription.Sql92;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.junit.jupiter.api.Test;

/** Where a link drops copies that would loop, and what it subscribes to, by what the source's brokers can do. */
class LinkSubscriptionTest {

    @Test
    void twoWayOnSql92BrokersDropsLoopsOnTheBroker() {
        LinkSubscription chosen = LinkSubscription.choose(Sql92.FULL, true, false, null, "aa", "A", "B");
        assertThat(chosen.loopCheck()).isEqualTo("broker");
        assertThat(chosen.filteredAtBroker()).isTrue();
        assertThat(chosen.selector().getExpressionType()).isEqualTo(ExpressionType.SQL92);
        assertThat(chosen.selector().getExpression()).isEqualTo(LoopFilter.subscription(null, "B"));
        assertThat(chosen.note()).isNull();
    }

    @Test
    void twoWayOnFourXBrokersDropsTheDirectCopiesOnTheBrokerAndSaysSo() {
        LinkSubscription chosen = LinkSubscription.choose(Sql92.WITHOUT_STRING_OPERATORS, true, false, "amount > 10",
            "aa", "A", "B");
        assertThat(chosen.loopCheck()).isEqualTo("broker");
        assertThat(chosen.filteredAtBroker()).isTrue();
        assertThat(chosen.selector().getExpression())
            .isEqualTo("(amount > 10) AND (FERRY_PATH IS NULL OR NOT (FERRY_PATH = 'B'))")
            .doesNotContain("STARTSWITH", "ENDSWITH", "CONTAINS");
        assertThat(chosen.note()).contains("'A' have SQL-92 without STARTSWITH, ENDSWITH and CONTAINS");

        LinkSubscription oneWay = LinkSubscription.choose(Sql92.WITHOUT_STRING_OPERATORS, false, false, "amount > 10",
            "dr", "A", "B");
        assertThat(oneWay.selector().getExpression()).as("nothing can loop: the backup's filter alone")
            .isEqualTo("amount > 10");
        assertThat(oneWay.loopCheck()).isEqualTo("ferry");
    }

    @Test
    void signedStampsAreCheckedByFerryNeverByTheBroker() {
        LinkSubscription chosen = LinkSubscription.choose(Sql92.FULL, true, true, null, "aa", "A", "B");
        assertThat(chosen.loopCheck()).isEqualTo("ferry");
        assertThat(chosen.filteredAtBroker()).isFalse();
        assertThat(chosen.selector().getExpression()).isEqualTo("*");
        assertThat(chosen.note()).startsWith("stamps are signed");

        LinkSubscription filtered = LinkSubscription.choose(Sql92.FULL, true, true, "amount > 10", "aa", "A", "B");
        assertThat(filtered.selector().getExpression()).as("the backup's filter alone").isEqualTo("amount > 10");
        assertThat(filtered.loopCheck()).isEqualTo("ferry");
        assertThat(filtered.filteredAtBroker()).isTrue();
    }

    @Test
    void withoutSql92TheLinkTakesEverythingAndSaysWhy() {
        LinkSubscription chosen = LinkSubscription.choose(Sql92.NONE, true, false, null, "aa", "A", "B");
        assertThat(chosen.loopCheck()).isEqualTo("ferry");
        assertThat(chosen.selector().getExpressionType()).isEqualTo(ExpressionType.TAG);
        assertThat(chosen.note()).contains("'A' do not have enablePropertyFilter=true");

        assertThat(LinkSubscription.choose(Sql92.NONE, false, false, null, "dr", "A", "B").note())
            .as("one-way: nothing can loop, nothing to say").isNull();
    }

    @Test
    void aFilterTheSourceCannotRunIsRefusedSayingWhatToDo() {
        assertThatThrownBy(() -> LinkSubscription.choose(Sql92.NONE, false, false, "amount > 10", "dr", "A", "B"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("backup 'dr': its filter needs SQL-92 on the brokers of 'A', which do not have"
                + " enablePropertyFilter=true (set it in broker.conf and restart the brokers, or remove the filter)");
    }
}
