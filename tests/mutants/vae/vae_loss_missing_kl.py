"""Forgets the KL term.

target: vae_loss
hint: KL term is missing
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""


def vae_loss(x, x_hat, mu, logvar):
    return ((x_hat - x) ** 2).sum(dim=-1).mean()
