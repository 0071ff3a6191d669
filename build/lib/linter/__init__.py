"""snclint: SecNumCloud hosting compliance for Terraform and Kubernetes."""

__version__ = "0.1.0"
