"""Entry points: the lakesift CLI and the spark-submit scripts run by schedulers."""
