"""Ends the decoder with a ReLU: the reconstruction cannot go negative.

target: ConvAutoencoder
hint: an activation follows the decoder's last layer
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
            nn.ConvTranspose1d(16, 8, 4, stride=2, padding=1),
            nn.ReLU(),
            nn.ConvTranspose1d(8, 1, 4, stride=2, padding=1),
            nn.ReLU(),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))
