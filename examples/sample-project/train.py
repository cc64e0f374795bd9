"""Train a logistic regression on a synthetic data set with numpy.

Small enough to run in seconds on a CPU, real enough to show the whole loop:
it prints one line per epoch (ailab shows the last one in the status), and
writes its results to output/ and its log to logs/, the folders task.toml
brings back.
"""

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np


def make_data(rng: np.random.Generator, n: int, d: int):
    true_w = rng.normal(size=d)
    x = rng.normal(size=(n, d))
    p = 1.0 / (1.0 + np.exp(-(x @ true_w)))
    y = (rng.random(n) < p).astype(np.float64)
    return x, y, true_w


def loss_and_grad(w: np.ndarray, b: float, x: np.ndarray, y: np.ndarray):
    z = x @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    eps = 1e-12
    loss = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
    err = p - y
    return float(loss), x.T @ err / len(y), float(np.mean(err))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    Path("output").mkdir(exist_ok=True)
    Path("logs").mkdir(exist_ok=True)
    log = open("logs/train.log", "w", encoding="utf-8")

    def say(line: str) -> None:
        print(line, flush=True)
        log.write(line + "\n")

    rng = np.random.default_rng(args.seed)
    x, y, _ = make_data(rng, n=2000, d=8)
    split = 1600
    x_train, y_train, x_test, y_test = x[:split], y[:split], x[split:], y[split:]
    w = np.zeros(x.shape[1])
    b = 0.0
    say(f"task {os.environ.get('AILAB_TASK_ID', '(local)')}: numpy {np.__version__}, {len(y_train)} training examples")
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        loss, grad_w, grad_b = loss_and_grad(w, b, x_train, y_train)
        w -= args.lr * grad_w
        b -= args.lr * grad_b
        say(f"Epoch {epoch}/{args.epochs} loss={loss:.4f}")
        time.sleep(0.2)  # long enough to watch the status change

    test_loss, _, _ = loss_and_grad(w, b, x_test, y_test)
    accuracy = float(np.mean(((x_test @ w + b) > 0) == (y_test > 0.5)))
    metrics = {"epochs": args.epochs, "test_loss": test_loss, "test_accuracy": accuracy, "seconds": time.time() - started}
    Path("output/metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    np.savez("output/model.npz", w=w, b=np.array([b]))
    say(f"test accuracy={accuracy:.3f} test loss={test_loss:.4f}")
    log.close()


if __name__ == "__main__":
    main()
