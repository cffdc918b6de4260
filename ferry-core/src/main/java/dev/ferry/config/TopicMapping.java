package dev.ferry.config;

/**
 * How a backup names a topic on the target: a template over the source topic and the two clusters.
 *
 * <pre>
 *   targetTopic: ${topic}            orders on unit-a  -&gt;  orders on center        (the default)
 *   targetTopic: ${source}_${topic}  orders on unit-a  -&gt;  unit-a_orders on center
 * </pre>
 *
 * <p>Placeholders: {@code ${topic}} (required, so that distinct topics stay distinct), {@code ${source}} and
 * {@code ${target}}, the cluster names of the direction. In a two-way backup each direction fills them in
 * with its own source and target. Any other {@code ${NAME}} in the value is an environment variable, read
 * when the file is loaded.
 */
public record TopicMapping(String template) {

    public static final String TOPIC = "${topic}";
    public static final String SOURCE = "${source}";
    public static final String TARGET = "${target}";

    /** Topics keep their names. */
    public static final TopicMapping SAME = new TopicMapping(TOPIC);

    public TopicMapping {
        if (!template.contains(TOPIC)) {
            throw new IllegalArgumentException("a topic mapping must contain " + TOPIC + ": " + template);
        }
    }

    /** The name on {@code targetCluster} of {@code topic} read on {@code sourceCluster}. */
    public String apply(String topic, String sourceCluster, String targetCluster) {
        return template.replace(SOURCE, sourceCluster).replace(TARGET, targetCluster).replace(TOPIC, topic);
    }

    @Override
    public String toString() {
        return template;
    }
}
