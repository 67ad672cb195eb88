"""Reference numbers for LarsTest: two steps of the MAE repository's LARS (util/lars.py, from MoCo v3),
written out independently here, in PyTorch.

    /usr/bin/python3 core/src/test/python/lars_reference.py

Parameters: a 2x3 matrix, a bias of 2 and a 2x2 matrix of zeros (trust ratio 1 at the first step);
weight decay 0.1, momentum 0.9, trust coefficient 0.001; lr 0.5 then 0.25.
"""
import torch

torch.set_printoptions(precision=10)
W = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=torch.float64)
b = torch.tensor([0.1, -0.2], dtype=torch.float64)
Z = torch.zeros(2, 2, dtype=torch.float64)
params = [W, b, Z]
grads = [
    [torch.tensor([[0.2, -0.1, 0.05], [0.3, 0.0, -0.4]]), torch.tensor([0.5, -0.5]),
     torch.tensor([[1.0, 2.0], [-2.0, 0.5]])],
    [torch.tensor([[-0.1, 0.2, 0.3], [0.0, -0.25, 0.1]]), torch.tensor([-0.3, 0.1]),
     torch.tensor([[0.5, -0.5], [0.25, 1.0]])],
]
wd, momentum, trust = 0.1, 0.9, 0.001
mu = [torch.zeros_like(p) for p in params]
for lr, gs in zip([0.5, 0.25], grads):
    for i, (p, g) in enumerate(zip(params, gs)):
        d = g.double()
        if p.ndim > 1:
            d = d + wd * p
            pn, dn = p.norm(), d.norm()
            q = trust * pn / dn if pn > 0 and dn > 0 else torch.tensor(1.0, dtype=torch.float64)
            d = d * q
        mu[i] = momentum * mu[i] + d
        p -= lr * mu[i]
    print("after step, lr", lr)
    for name, p in zip(["W", "b", "Z"], params):
        print(name, [round(v, 10) for v in p.flatten().tolist()])
for name, m in zip(["mu.W", "mu.b", "mu.Z"], mu):
    print(name, [round(v, 10) for v in m.flatten().tolist()])
