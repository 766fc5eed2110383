"""Upsamples by repeating each position, then a Conv1d, instead of ConvTranspose1d (other weights).

target: ConvAutoencoder
hint: nn.ConvTranspose1d
unaffected: conv1d, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

from torch import nn


class ConvAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv1d(1, 8, 5, stride=2, padding=2),
            nn.ReLU(),
            nn.Conv1d(8, 16, 5, stride=2, padding=2),
            nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.Conv1d(16, 8, 5, padding=2),
            nn.ReLU(),
            nn.Conv1d(8, 1, 5, padding=2),
        )

    def forward(self, x):
        h = self.encoder(x).repeat_interleave(2, dim=-1)  # (N, 16, L/2)
        h = self.decoder[1](self.decoder[0](h)).repeat_interleave(2, dim=-1)  # (N, 8, L)
        return self.decoder[2](h)
