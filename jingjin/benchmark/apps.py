from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    name = "jingjin.benchmark"
    label = "benchmark"
    verbose_name = "Benchmarking against peer cities"
