package dev.fraudmonitor.model;

/** A rep's decision on an alert: the ground truth analysts measure rule precision with. */
public enum Verdict {
    FRAUD,
    LEGITIMATE
}
