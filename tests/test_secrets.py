"""Secret-looking values are shown by their shape; ordinary text is left alone."""
from __future__ import annotations

from linter.secrets import listing, scrub, shown


def test_known_token_shapes_keyed_values_and_url_passwords_are_hidden() -> None:
    assert scrub('db_password = "hunter2-abc", region = eu-west-3') == (
        'db_password = "<11 characters, letters and digits and symbols, looks like the value of db_password: '
        'not shown>", region = eu-west-3')
    assert scrub("https://user:p4ss@host/x") == "https://user:<password: not shown>@host/x"
    assert scrub("key AKIAABCDEFGHIJKLMNOP here") == (
        "key <20 characters, letters, looks like an AWS access key: not shown> here")


def test_known_secrets_are_hidden_wherever_they_appear() -> None:
    assert scrub("tags = {level = hunter2}", ["hunter2"]) == (
        "tags = {level = <7 characters, letters and digits, looks like the value of a secret variable: not shown>}")


def test_ordinary_text_is_left_alone() -> None:
    text = ("module.top.module.c0.aws_s3_bucket.b has no classification (add a tag such as data_sensitivity); "
            "secretGenerator: files; registry.terraform.io/hashicorp/aws/5.31.0; eu-west-3")
    assert scrub(text) == text
    assert shown("particuliare") == "'particuliare'"


def test_a_scanned_path_is_shown_even_when_it_looks_random() -> None:
    path = "Repo7AppX/k8s/overlayProd2/kustomization.yaml"
    message = f"{path}: patches[0].path is remote"
    assert "not shown" in scrub(message)
    assert scrub(message, paths=listing([path, "other/main.tf"])) == message
    secret = "wJalrXUtnFEMI9K7MDENGbPxRfiCYEXAMPLEKEY"
    assert "not shown" in scrub(f"{path}: token {secret}", paths=listing([path]))
